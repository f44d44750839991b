// Reports clipscope's capabilities as a Worker sees them.
import { capabilities } from '/dist/index.js';

capabilities().then(
  (found) => self.postMessage(found),
  (error) => self.postMessage({ error: `${error.name}: ${error.message}` }),
);
