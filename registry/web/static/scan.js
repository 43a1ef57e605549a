// The 扫码 / Scan button: read a registry mark with the camera, then open its scan page.
// A static file (no inline script) so it runs under a strict Content-Security-Policy. Uses the
// browser's BarcodeDetector where it reads QR codes, otherwise loads the vendored jsQR once.
(function () {
  "use strict";
  var root = document.querySelector("[data-scan]");
  if (!root || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.HTMLDialogElement) return;
  var button = root.querySelector(".scan-button");
  var dialog = root.querySelector("dialog");
  var video = dialog.querySelector("video");
  var status = dialog.querySelector("[role=status]");
  var stream = null;
  var timer = null;
  button.hidden = false;

  function say(name) {
    status.textContent = root.getAttribute("data-msg-" + name) || "";
  }

  // The token of a mark of this registry (https://HOST/V/TOKEN, any case); "" for another host's.
  function tokenOf(text) {
    var m = /^https?:\/\/([^\/?#\s]+)\/v\/([a-z2-7]{60,})\/?$/i.exec(String(text).trim());
    if (!m) return null;
    return m[1].toLowerCase() === root.getAttribute("data-registry-host").toLowerCase() ? m[2].toUpperCase() : "";
  }

  function found(text) {
    var token = tokenOf(text);
    if (token === null) {
      say("not-mark");
      return false;
    }
    if (token === "") {
      say("foreign");
      return false;
    }
    stop();
    say("opening");
    window.location.assign("/V/" + token + "?lang=" + encodeURIComponent(root.getAttribute("data-lang")));
    return true;
  }

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var script = document.createElement("script");
      script.src = root.getAttribute("data-decoder");
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function jsQRReader() {
    return loadJsQR().then(function (jsQR) {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var w = video.videoWidth;
        var h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        // jsQR's time grows with the pixels: 640 px across is plenty for a mark filling the frame.
        var scale = Math.min(1, 640 / Math.max(w, h));
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  function reader() {
    if (!("BarcodeDetector" in window)) return jsQRReader();
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return jsQRReader();
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }, jsQRReader);
  }

  function loop(read) {
    read().then(function (text) {
      if (!stream || (text && found(text))) return;
      timer = setTimeout(function () { loop(read); }, 120);
    }, function () {
      if (stream) timer = setTimeout(function () { loop(read); }, 300);
    });
  }

  function stop() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    if (dialog.open) dialog.close();
  }

  button.addEventListener("click", function () {
    say("starting");
    dialog.showModal();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        say("aim");
        return reader();
      })
      .then(loop)
      .catch(function (error) {
        say(error && error.name === "NotAllowedError" ? "denied" : "no-camera");
      });
  });
  dialog.querySelector("[data-close]").addEventListener("click", stop);
  dialog.addEventListener("close", stop);
})();
