// The clipscope Worker's entry: started by ClipscopeWorker, it loads the engine and hands it the
// messages that arrived meanwhile. It imports no code and exports nothing on purpose: bundlers
// put helpers that other chunks import into an entry chunk, and WebKit evaluates a Worker's entry
// module again when another module imports it, which started a second engine with no model.
import type { Reply, Request } from './worker-protocol.js';

declare const self: {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply): void;
};

const queued: Array<MessageEvent<Request>> = [];
self.onmessage = (event) => queued.push(event);
import('./worker-main.js').then(
  ({ serve }) => serve(queued),
  (error: unknown) => {
    // Every call, queued or later, gets the reason instead of waiting for ever.
    const message = `the clipscope worker could not load its engine: ${error instanceof Error ? error.message : String(error)}`;
    const refuse = ({ data }: MessageEvent<Request>) => {
      if (data.type === 'call') self.postMessage({ call: data.call, error: { name: 'Error', message } });
    };
    self.onmessage = refuse;
    queued.forEach(refuse);
  },
);
