// The reference JavaScript stack on a new device: automerge-repo with its IndexedDB storage and
// WebSocket adapter, finding every document of the workspace from the sync server on the page's
// origin, as an app built on it would. The benchmark drives it through `window.carnetPeer`:
// `ready` resolves once Automerge's wasm and the list of URLs are loaded (Carnet's page is
// loaded before sign-in too); `start(concurrency)` is the sign-in: it opens the repo and finds
// everything, `concurrency` documents at a time.
// `loaded` counts the documents found (`empty` those found without content), `stored` turns
// true once the repo flushed them all to IndexedDB; `storedDocuments()` counts the documents
// IndexedDB holds content of so far (for a run stopped before `stored`). The first screenful of
// accounts is shown as rows (`.peer-row`) as they arrive.

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
  empty: 0,
  stored: false,
  error: null,
  async start(concurrency) {
    const urls = await peer.ready
    peer.total = urls.documents.length
    const repo = new Repo({
      network: [new WebSocketClientAdapter(`ws://${location.host}`)],
      storage: new IndexedDBStorageAdapter("automerge-repo-peer"),
    })
    const accounts = new Set(urls.accounts)
    const rows = document.getElementById("rows")
    try {
      // All at once, the last requests time out (a handle gives up after 60 s): a pool keeps
      // `concurrency` finds in flight, as an app loading a large workspace would.
      let next = 0
      const load = async () => {
        while (next < urls.documents.length) {
          const url = urls.documents[next]
          next += 1
          const handle = await repo.find(url)
          peer.loaded += 1
          const doc = handle.doc()
          // A document found empty was not really loaded: the benchmark fails on it.
          if (Object.keys(doc).length === 0) peer.empty += 1
          if (accounts.has(url) && rows.childElementCount < SCREENFUL) {
            const row = document.createElement("li")
            row.className = "peer-row"
            row.textContent = doc.name
            rows.append(row)
          }
        }
      }
      await Promise.all(Array.from({ length: concurrency }, load))
      await repo.flush()
      peer.stored = true
    } catch (error) {
      peer.error = String(error)
      throw error
    }
  },
  // The storage adapter keys each chunk [documentId, "snapshot" | "incremental" | "sync-state",
  // …]: the documents with a snapshot or an incremental change stored.
  storedDocuments() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("automerge-repo-peer")
      open.onerror = () => reject(String(open.error))
      open.onsuccess = () => {
        const db = open.result
        if (!db.objectStoreNames.contains("documents")) {
          db.close()
          resolve(0)
          return
        }
        const keys = db.transaction("documents").objectStore("documents").getAllKeys()
        keys.onerror = () => reject(String(keys.error))
        keys.onsuccess = () => {
          db.close()
          const stored = new Set()
          for (const key of keys.result) {
            if (key[1] === "snapshot" || key[1] === "incremental") stored.add(key[0])
          }
          resolve(stored.size)
        }
      }
    })
  },
}
window.carnetPeer = peer
