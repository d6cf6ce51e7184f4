/** For tests of applications built on the library: a local OpenAI-compatible server with scripted answers and faults. */
export { startFakeServer, fakeAnswer, faultsByPrompt, type FakeServer, type FakeServerOptions, type Fault, type FaultContext, type ReceivedRequest } from '../llm/testing/fake-server.js';
