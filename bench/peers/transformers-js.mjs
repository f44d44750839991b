// Transformers.js's CLIP image processor in Node, from a local preprocessor_config.json (no
// remote loading). Its Node path decodes and resizes with sharp.
import { CLIPImageProcessor, RawImage, env } from '@huggingface/transformers';

env.allowRemoteModels = false;

export function transformersProcessor(config) {
  return new CLIPImageProcessor(config);
}

export async function transformersDecode(bytes, type) {
  return RawImage.fromBlob(new Blob([bytes], { type }));
}

export async function transformersPreprocess(processor, pixels, width, height) {
  const output = await processor(new RawImage(pixels, width, height, 3));
  return output.pixel_values.data;
}

export { RawImage };
