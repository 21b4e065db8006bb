// 工商憑證 sign-in through the HiPKI local component (SPEC T1). The component listens on
// localhost:61161; we open its /popupForm, answer its "getTbs" message with the challenge to sign and
// the PIN (which goes only to the local component, never to our server), and receive the PKCS#7
// signature in its "sign" message. The server then verifies signature, chain, validity and revocation.
(function () {
  "use strict";
  var section = document.getElementById("certificate-login") || document.getElementById("environment-check");
  if (!section) { return; }
  var componentURL = section.getAttribute("data-component-url") || "http://localhost:61161";
  var componentOrigin = new URL(componentURL).origin;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var text = {
    zh: { opening: "正在開啟憑證元件…", signing: "請稍候，正在以卡片簽章…", verifying: "簽章完成，正在驗證…",
          noComponent: "無法連線到 HiPKI 憑證元件，請確認已安裝並啟動，或先到「環境檢測」頁面檢查。",
          noPin: "請輸入卡片 PIN 碼。", failed: "卡片簽章失敗，錯誤碼：", popup: "瀏覽器阻擋了彈出視窗，請允許本網站開啟彈出視窗後再試一次。",
          envOK: "已偵測到憑證元件：", envCard: "讀卡機中的卡片：", envNoCard: "未偵測到卡片，請插入工商憑證 IC 卡。" },
    en: { opening: "Opening the certificate component…", signing: "Signing with the card…", verifying: "Signed; verifying…",
          noComponent: "Cannot reach the HiPKI component. Make sure it is installed and running, or use the environment check.",
          noPin: "Enter the card PIN.", failed: "The card could not sign. Error code: ", popup: "The browser blocked the pop-up. Allow pop-ups for this site and try again.",
          envOK: "Certificate component found: ", envCard: "Card in reader: ", envNoCard: "No card found. Insert the business certificate card." }
  }[lang];
  var status = document.getElementById("cert-status") || document.getElementById("env-status");
  function say(message) { status.textContent = message; }

  var envButton = document.getElementById("env-check");
  if (envButton) {
    envButton.addEventListener("click", function () {
      fetch(componentURL + "/pkcs11info?withcert=true").then(function (r) { return r.json(); }).then(function (info) {
        var slots = (info.slots || []).filter(function (s) { return s.token; });
        say(text.envOK + (info.version || "") + "。" + (slots.length ? text.envCard + slots.map(function (s) {
          return (s.token.certs && s.token.certs[0] && s.token.certs[0].subjectCN) || s.token.serialNumber || "";
        }).join("、") : text.envNoCard));
      }).catch(function () { say(text.noComponent); });
    });
    return;
  }

  var form = document.getElementById("cert-form");
  var start = document.getElementById("cert-start");
  var popup = null, challenge = null, pin = "", tbsRequested = false;

  function sendTbs() {
    say(text.signing);
    popup.postMessage(JSON.stringify({
      tbs: challenge.challenge, tbsEncoding: "NONE", hashAlgorithm: "SHA256", withCardSN: "true",
      pin: pin, nonce: "", func: "MakeSignature", signatureType: "PKCS7"
    }), componentOrigin);
    pin = "";
  }
  var csrf = form.querySelector("input[name=_csrf]").value;

  window.addEventListener("message", function (event) {
    if (event.origin !== componentOrigin || !popup) { return; }
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.func === "getTbs") {
      // The component may ask before our challenge has arrived; answer as soon as it has.
      if (challenge) { sendTbs(); } else { tbsRequested = true; }
    } else if (message.func === "sign" && challenge) {
      if (message.ret_code !== 0) {
        say(text.failed + "0x" + (message.ret_code >>> 0).toString(16) + (message.message ? "（" + message.message + "）" : ""));
        return;
      }
      say(text.verifying);
      document.getElementById("challengeId").value = challenge.challengeId;
      document.getElementById("signature").value = message.signature;
      document.getElementById("certificate").value = message.certb64 || "";
      form.submit();
    }
  });

  start.addEventListener("click", function () {
    pin = document.getElementById("pin").value;
    challenge = null;
    tbsRequested = false;
    if (!pin) { say(text.noPin); document.getElementById("pin").focus(); return; }
    say(text.opening);
    // The pop-up must open in the click handler itself, or browsers block it.
    popup = window.open(componentURL + "/popupForm", "hipki", "height=200,width=200,left=100,top=20");
    if (!popup) { say(text.popup); return; }
    fetch("/signin/certificate/challenge", { method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("challenge"); } return r.json(); })
      .then(function (c) { challenge = c; if (tbsRequested) { sendTbs(); } })
      .catch(function () { say(text.noComponent); });
  });
})();
