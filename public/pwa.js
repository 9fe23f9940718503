// Registers the service worker and tells the app when a new build waits to take over.
// The app (client::hooks::use_update_ready) listens for "carnet-update-ready" and calls
// window.carnetApplyUpdate() when the rep chooses to reload.
(() => {
  if (!("serviceWorker" in navigator)) return;
  const announce = () => {
    window.carnetUpdateReady = true;
    window.dispatchEvent(new Event("carnet-update-ready"));
  };
  window.addEventListener("load", async () => {
    let registration;
    try {
      registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    } catch (error) {
      console.warn("Carnet cannot work offline in this browser:", error);
      return;
    }
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) announce();
      });
    });
    let applying = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (applying) window.location.reload();
    });
    window.carnetApplyUpdate = () => {
      applying = true;
      if (registration.waiting) registration.waiting.postMessage({ type: "skip-waiting" });
      else window.location.reload();
    };
    // A rep may keep the app open for days: look for a new build every hour.
    setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
  });
})();
