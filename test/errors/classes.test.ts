// The error classes: one base carrying the exit code, LlmCallError apart from user input, and the
// CLI naming a library option by its flag.
import { describe, expect, it } from 'vitest';
import { cliMessage, flagOf } from '../../src/cli/flags.js';
import { EXIT_LLM_FAILURE, InvalidParameterError, LlmCallError, NotFittedError, SmoothieError, UserInputError } from '../../src/errors/index.js';
import { LlmCallError as FromEndpoint } from '../../src/llm/endpoint.js';

describe('error classes', () => {
  it('every library error carries its exit code on the base', () => {
    expect(new UserInputError('bad').exitCode).toBe(2);
    expect(new InvalidParameterError('k', 'bad').exitCode).toBe(2);
    expect(new LlmCallError('down').exitCode).toBe(EXIT_LLM_FAILURE);
    expect(new NotFittedError('x').exitCode).toBe(1);
    for (const e of [new UserInputError('a'), new InvalidParameterError('k', 'b'), new LlmCallError('c'), new NotFittedError('d')]) {
      expect(SmoothieError.isInstance(e)).toBe(true);
    }
  });

  it('LlmCallError is not a UserInputError; an invalid parameter is one', () => {
    expect(UserInputError.isUserInputError(new LlmCallError('down'))).toBe(false);
    expect(new LlmCallError('down')).not.toBeInstanceOf(UserInputError);
    expect(UserInputError.isUserInputError(new InvalidParameterError('k', 'bad'))).toBe(true);
    expect(FromEndpoint).toBe(LlmCallError);
  });

  it('library messages name the option; the CLI names the flag', () => {
    const e = new InvalidParameterError('nGenerations', 'must be a positive integer, got 0');
    expect(e.message).toBe("option 'nGenerations': must be a positive integer, got 0");
    expect(cliMessage(e)).toBe("field '--n-generations': must be a positive integer, got 0");
    const inFile = new InvalidParameterError('datasets', "unknown dataset 'x'", { file: 'data.jsonl' });
    expect(cliMessage(inFile)).toBe("data.jsonl, field '--datasets': unknown dataset 'x'");
    expect([flagOf('k'), flagOf('trainSize'), flagOf('dataDir')]).toEqual(['--k', '--train-size', '--data']);
    expect(cliMessage(new UserInputError('plain', { file: 'f.json', field: 'weights' }))).toBe("f.json, field 'weights': plain");
  });
});
