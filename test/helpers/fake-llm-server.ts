/**
 * The local OpenAI-compatible server with scheduled faults, for tests. It lives in
 * `src/llm/testing/` because the benchmark (compiled from src/) starts it too.
 */
export { fakeAnswer, faultsByPrompt, startFakeServer, type FakeServer, type FakeServerOptions, type Fault, type FaultContext, type ReceivedRequest } from '../../src/llm/testing/fake-server.js';
