// The reference JavaScript stack on a new device: automerge-repo with its IndexedDB storage and
// WebSocket adapter, finding every document of the workspace from the sync server on the page's
// origin, as an app built on it would. The benchmark drives it through `window.carnetPeer`:
// `ready` resolves once Automerge's wasm and the list of URLs are loaded (Carnet's page is
// loaded before sign-in too); `start()` is the sign-in: it opens the repo and finds everything.
// `loaded` counts the documents found, `stored` turns true once the repo flushed them all to
// IndexedDB. The first screenful of accounts is shown as rows (`.peer-row`) as they arrive.

import { initializeWasm } from "@automerge/automerge/slim"
import { Repo } from "@automerge/automerge-repo/slim"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const SCREENFUL = 40

const peer = {
  ready: Promise.all([
    initializeWasm(fetch("automerge.wasm")),
    fetch("urls.json").then((response) => response.json()),
  ]).then(([, urls]) => urls),
  total: null,
  loaded: 0,
  stored: false,
  error: null,
  async start() {
    const urls = await peer.ready
    peer.total = urls.documents.length
    const repo = new Repo({
      network: [new WebSocketClientAdapter(`ws://${location.host}`)],
      storage: new IndexedDBStorageAdapter("automerge-repo-peer"),
    })
    const accounts = new Set(urls.accounts)
    const rows = document.getElementById("rows")
    try {
      await Promise.all(
        urls.documents.map(async (url) => {
          const handle = await repo.find(url)
          peer.loaded += 1
          if (accounts.has(url) && rows.childElementCount < SCREENFUL) {
            const row = document.createElement("li")
            row.className = "peer-row"
            row.textContent = handle.doc().name
            rows.append(row)
          }
        }),
      )
      await repo.flush()
      peer.stored = true
    } catch (error) {
      peer.error = String(error)
      throw error
    }
  },
}
window.carnetPeer = peer
