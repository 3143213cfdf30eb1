/** Stylesheets are bundled by Vite; importing one only has side effects. */
declare module '*.css';
