// Decodes and preprocesses inside a Worker: the same package, no DOM.
import { ImagePreprocessor, decodeImage } from '/dist/advanced.js';
import { init } from '/dist/index.js';

self.onmessage = async ({ data: { url, config } }) => {
  try {
    await init();
    const response = await fetch(url);
    const image = await decodeImage(await response.blob());
    const preprocessor = new ImagePreprocessor(config);
    const tensor = preprocessor.preprocess(image);
    preprocessor.delete();
    self.postMessage({ width: image.width, height: image.height, tensor }, [tensor.buffer]);
  } catch (error) {
    self.postMessage({ error: `${error.name}: ${error.message}` });
  }
};
