// Preloaded into the conformance CLI (node --import): adds the headers every
// request to portainer-mcp's HTTP mode carries in a real deployment, which
// the CLI has no option for. At HEAD each /mcp request needs the caller's
// Portainer token in X-Portainer-API-Key, and, with --http-token, the gate
// token as Authorization: Bearer. Only requests to the server under test
// (same origin as MCP_TARGET_URL) get them, and a header a scenario sets
// itself is left alone. Both ways the suite sends HTTP are covered: the
// global fetch (the MCP SDK's transport, the raw-fetch scenarios) and
// undici's request() (dns-rebinding-protection), through undici's global
// dispatcher.
import { Agent, setGlobalDispatcher } from 'undici';

const target = new URL(process.env.MCP_TARGET_URL).origin;
const extra = Object.entries(JSON.parse(process.env.MCP_EXTRA_HEADERS || '{}'));

const sameOrigin = (u) => {
  try {
    return new URL(String(u)).origin === target;
  } catch {
    return false;
  }
};

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!sameOrigin(url)) return realFetch(input, init);
  const headers = new Headers(
    init.headers ?? (input instanceof Request ? input.headers : undefined)
  );
  for (const [k, v] of extra) if (!headers.has(k)) headers.set(k, v);
  return realFetch(input, { ...init, headers });
};

// undici's own API (request, stream...) goes through the global dispatcher.
setGlobalDispatcher(
  new Agent().compose((dispatch) => (opts, handler) => {
    if (sameOrigin(opts.origin)) {
      let h = opts.headers ?? {};
      if (Array.isArray(h)) {
        const o = {};
        for (let i = 0; i + 1 < h.length; i += 2) o[h[i]] = h[i + 1];
        h = o;
      } else if (typeof h[Symbol.iterator] === 'function') {
        h = Object.fromEntries(h);
      } else {
        h = { ...h };
      }
      const have = new Set(Object.keys(h).map((k) => k.toLowerCase()));
      for (const [k, v] of extra) if (!have.has(k.toLowerCase())) h[k] = v;
      opts = { ...opts, headers: h };
    }
    return dispatch(opts, handler);
  })
);
