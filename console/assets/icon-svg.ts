/** `icon.svg`: the tab icon (so the browser does not ask the server for a missing favicon). */
export default `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5cad"/><path d="M6 20c4-6 8 6 12 0s6-4 8-2" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>
`;
