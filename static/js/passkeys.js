// WebAuthn ceremonies for passkeys and security keys (server side: accounts/views_passkeys.py).
// The server sends options as JSON with base64url strings; the authenticator wants ArrayBuffers, and its
// answer goes back as base64url again. Messages come from the page (data-msg-*) or from the server, already
// translated. Without WebAuthn in the browser, the login step stays hidden and the code forms remain.
(() => {
  "use strict";

  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  };
  const toText = (buffer) => {
    if (!buffer) return null;
    let binary = "";
    new Uint8Array(buffer).forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  const supported = () => Boolean(window.PublicKeyCredential && navigator.credentials);

  async function post(root, url, body) {
    const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify(body || {}),
    });
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    const data = isJson ? await response.json() : {};
    if (!response.ok || !isJson) {
      const error = new Error(data.detail || root.dataset.msgFailed);
      error.server = true;
      error.reverify = data.reverify;
      throw error;
    }
    return data;
  }

  function show(root, message) {
    const box = root.querySelector("[data-passkey-error]");
    box.textContent = message;
    box.hidden = !message;
  }

  function explain(root, error) {
    if (error.server) return error.message;
    if (error.name === "NotAllowedError" || error.name === "AbortError") return root.dataset.msgCancelled;
    if (error.name === "InvalidStateError" && root.dataset.msgExists) return root.dataset.msgExists;
    return root.dataset.msgFailed;
  }

  async function run(root, ceremony) {
    const button = root.querySelector("[data-passkey-start]");
    button.disabled = true;
    show(root, "");
    try {
      window.location.assign((await ceremony()).redirect);
    } catch (error) {
      if (error.reverify) {
        window.location.assign(error.reverify);
        return;
      }
      show(root, explain(root, error));
      button.disabled = false;
    }
  }

  function credentialJson(credential, response) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response,
    };
  }

  function setUpRegistration(form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!supported()) {
        show(form, form.dataset.msgUnsupported);
        return;
      }
      run(form, async () => {
        const options = await post(form, form.dataset.optionsUrl);
        const credential = await navigator.credentials.create({
          publicKey: {
            ...options,
            challenge: toBytes(options.challenge),
            user: { ...options.user, id: toBytes(options.user.id) },
            excludeCredentials: withIds(options.excludeCredentials),
          },
        });
        const r = credential.response;
        const answer = credentialJson(credential, {
          clientDataJSON: toText(r.clientDataJSON),
          attestationObject: toText(r.attestationObject),
          transports: r.getTransports ? r.getTransports() : [],
        });
        const name = form.querySelector("input[name=name]").value;
        return post(form, form.dataset.completeUrl, { name, credential: answer });
      });
    });
  }

  function setUpLogin(root) {
    if (!supported()) return;
    root.hidden = false;
    const complete = new URL(root.dataset.completeUrl, window.location.origin);
    if (root.dataset.next) complete.searchParams.set("next", root.dataset.next);
    root.querySelector("[data-passkey-start]").addEventListener("click", () => {
      run(root, async () => {
        const options = await post(root, root.dataset.optionsUrl);
        const credential = await navigator.credentials.get({
          publicKey: {
            ...options,
            challenge: toBytes(options.challenge),
            allowCredentials: withIds(options.allowCredentials),
          },
        });
        const r = credential.response;
        const answer = credentialJson(credential, {
          clientDataJSON: toText(r.clientDataJSON),
          authenticatorData: toText(r.authenticatorData),
          signature: toText(r.signature),
          userHandle: toText(r.userHandle),
        });
        return post(root, complete.toString(), { credential: answer });
      });
    });
  }

  const start = () => {
    document.querySelectorAll("form[data-passkey-register]").forEach(setUpRegistration);
    document.querySelectorAll("[data-passkey-login]").forEach(setUpLogin);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
