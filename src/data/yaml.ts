/** Reading a YAML file; a missing file or bad YAML is a one-line error naming the file (and line). */
import { UserInputError } from '../errors/index.js';
import { readInputFile } from './atomic.js';

export async function readYamlFile(file: string): Promise<unknown> {
  const text = (await readInputFile(file)).toString('utf8');
  // The parser loads when a YAML file is read, not at import.
  const { default: YAML } = await import('yaml');
  try {
    return YAML.parse(text);
  } catch (e) {
    const err = e as { linePos?: { line: number }[]; message: string };
    throw new UserInputError(`invalid YAML: ${err.message.split('\n')[0]}`, { file, row: err.linePos?.[0]?.line });
  }
}
