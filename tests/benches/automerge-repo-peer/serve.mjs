// Runs @automerge/automerge-repo-sync-server as published, on 127.0.0.1 only: the package
// listens on every interface, and the benchmark must not be reachable from outside. Its Express
// app serves `public/` (the page, its bundle and urls.json) from the working directory, so the
// page and its WebSocket share one origin, as Carnet's app and relay do.
//
// Environment: PORT (the port to listen on), DATA_DIR (the storage export.mjs filled).

import http from "node:http"

const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (port, ...rest) {
  const callbacks = rest.filter((argument) => typeof argument === "function")
  return listen.call(this, port, "127.0.0.1", ...callbacks)
}

await import("@automerge/automerge-repo-sync-server")
