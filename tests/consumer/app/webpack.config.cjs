// The same app bundled by webpack 5: it follows new URL(..., import.meta.url) for the .wasm
// files and new Worker(new URL(...)) for clipscope's Worker by itself.
const path = require('node:path');

module.exports = {
  mode: 'production',
  entry: './main.js',
  target: 'web',
  output: { path: path.resolve(__dirname, 'dist-webpack'), filename: 'main.js', publicPath: 'auto', clean: true },
  performance: { hints: false },
};
