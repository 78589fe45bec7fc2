// esbuild bundles imported CSS into dist/viewer/main.css.
declare module '*.css';
