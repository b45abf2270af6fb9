/** `api.js`: calls the HTTP API and the console's API with the tab's token. */
export default String.raw`
const tokenKey = "rivulet.console.token";

export const base = document.body.dataset.base;
export const authRequired = document.body.dataset.auth === "required";

export function token() {
  return sessionStorage.getItem(tokenKey);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(tokenKey, value);
  else sessionStorage.removeItem(tokenKey);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ("HTTP " + status));
    this.status = status;
    this.problem = problem;
  }
}

export function authHeaders(extra) {
  const headers = new Headers(extra || {});
  const t = token();
  if (t) headers.set("authorization", "Bearer " + t);
  return headers;
}

export async function request(path, init) {
  const options = Object.assign({}, init || {});
  options.headers = authHeaders(options.headers);
  if (!options.headers.has("accept")) options.headers.set("accept", "application/json");
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(0, { detail: "the server could not be reached" });
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (_) {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  return response.status === 204 ? null : response.json();
}

export function consoleApi(path, init) {
  return request(base + "/api" + path, init);
}

export function enc(name) {
  return encodeURIComponent(name);
}
`;
