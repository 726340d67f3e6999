// Vite's `?raw` suffix: the file's text as a string (tests read a README this way inside workerd).
declare module '*?raw' {
  const text: string;
  export default text;
}
