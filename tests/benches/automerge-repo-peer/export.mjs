// Loads the demo workspace's documents into an automerge-repo sync server's storage and lists
// their URLs for the page. The documents come from Carnet's own demo generator, written by the
// first-sync benchmark as frames of [kind: u8][id: 16 bytes][length: u32 LE][Automerge save];
// each keeps its id (a UUID is also an automerge-repo document id), so both stacks hold the same
// documents under the same ids.
//
// Each document is written as the repo's storage writes a whole document (its StorageSubsystem's
// saveTotal): one snapshot chunk under [documentId, "snapshot", hash of its heads]. Importing them
// through a Repo instead (`repo.import`, then `flush`) grows quadratically with the documents:
// 1,000 took 11 s, the next 1,000 82 s, so a 10,000-account workspace (41,000 documents) never
// finished.
//
// Usage: node export.mjs <documents file> <storage directory> <urls.json>

import { createHash } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import * as Automerge from "@automerge/automerge"
import { interpretAsDocumentId, stringifyAutomergeUrl } from "@automerge/automerge-repo"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const [documentsFile, storageDirectory, urlsFile] = process.argv.slice(2)
if (!urlsFile) {
  console.error("usage: node export.mjs <documents file> <storage directory> <urls.json>")
  process.exit(2)
}

const KINDS = ["settings", "account", "contact", "deal", "product", "quote", "order"]
const bytes = await readFile(documentsFile)
const storage = new NodeFSStorageAdapter(storageDirectory)
// automerge-repo's headsHash: the SHA-256, in hex, of the heads' hex strings one after another.
const headsHash = (heads) => createHash("sha256").update(heads.join("")).digest("hex")
const writes = []
const accounts = []
const documents = []
let offset = 0
while (offset < bytes.length) {
  const kind = KINDS[bytes[offset]]
  const id = Uint8Array.from(bytes.subarray(offset + 1, offset + 17))
  const length = bytes.readUInt32LE(offset + 17)
  const binary = Uint8Array.from(bytes.subarray(offset + 21, offset + 21 + length))
  if (kind === undefined || binary.length !== length) {
    throw new Error(`a broken frame at byte ${offset}`)
  }
  offset += 21 + length
  const documentId = interpretAsDocumentId(id)
  const doc = Automerge.load(binary)
  writes.push(storage.save([documentId, "snapshot", headsHash(Automerge.getHeads(doc))], Automerge.save(doc)))
  Automerge.free(doc)
  // A few writes in flight at a time.
  if (writes.length >= 64) await Promise.all(writes.splice(0))
  const url = stringifyAutomergeUrl(documentId)
  documents.push(url)
  if (kind === "account") accounts.push(url)
}
await Promise.all(writes)
await writeFile(urlsFile, JSON.stringify({ accounts, documents }))
console.log(`exported ${documents.length} documents (${accounts.length} accounts)`)
process.exit(0)
