/* Approval with the signer's USB token through the local agent vanthu-signer.
 *
 * 1. ask VanThu to prepare the PDF (POST prepare) → digest + certificate fingerprint;
 * 2. send the digest and the PIN to the agent on 127.0.0.1 (the PIN goes nowhere else);
 * 3. send the agent's signature value to VanThu (POST finish), which approves the document.
 */
(function () {
  "use strict";

  var form = document.getElementById("agent-sign-form");
  if (!form) { return; }
  var pinInput = document.getElementById("agent-sign-pin");
  var comment = document.getElementById("agent-sign-comment");
  var button = document.getElementById("agent-sign-button");
  var progress = document.getElementById("agent-sign-progress");
  var errorBox = document.getElementById("agent-sign-error");

  var AGENT_UNREACHABLE =
    "Không kết nối được phần mềm ký số vanthu-signer trên máy của ông/bà. " +
    "Hãy kiểm tra phần mềm đã được cài đặt và đang chạy, USB token đã được cắm, rồi bấm ký lại.";
  var SERVER_UNREACHABLE =
    "Không kết nối được máy chủ VanThu; hãy kiểm tra mạng rồi bấm ký lại.";

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function showProgress(text) {
    progress.textContent = text;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    showProgress("");
  }

  function Failure(message) {
    this.message = message;
  }

  function readJson(response, fallback) {
    return response.json().then(
      function (data) { return data; },
      function () { throw new Failure(fallback); }
    ).then(function (data) {
      if (!response.ok) {
        throw new Failure((data && data.error && data.error.message) || fallback);
      }
      return data;
    });
  }

  function postToServer(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(payload)
    }).then(
      function (response) { return readJson(response, "Máy chủ VanThu báo lỗi khi ký số; hãy thử lại."); },
      function () { throw new Failure(SERVER_UNREACHABLE); }
    );
  }

  function signWithAgent(agentUrl, request, pin) {
    return fetch(agentUrl.replace(/\/$/, "") + "/sign", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({
        digest: request.digest,
        hash_algorithm: request.hash_algorithm,
        certificate_sha256: request.certificate_sha256,
        pin: pin
      })
    }).then(
      function (response) { return readJson(response, "Phần mềm ký số vanthu-signer báo lỗi; hãy thử lại."); },
      function () { throw new Failure(AGENT_UNREACHABLE); }
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var pin = pinInput.value;
    if (!pin) {
      showError("Hãy nhập mã PIN của USB token.");
      pinInput.focus();
      return;
    }
    button.disabled = true;
    showProgress("Đang chuẩn bị văn bản để ký…");
    var pendingId = null;
    postToServer(form.dataset.prepareUrl, {})
      .then(function (request) {
        pendingId = request.pending_id;
        showProgress("Đang ký bằng USB token (phần mềm vanthu-signer)…");
        return signWithAgent(request.agent_url || form.dataset.agentUrl, request, pin);
      })
      .then(function (signed) {
        pin = "";
        pinInput.value = "";
        showProgress("Đang hoàn tất chữ ký số và ký duyệt văn bản…");
        return postToServer(form.dataset.finishUrl, {
          pending_id: pendingId,
          signature: signed.signature,
          certificate: signed.certificate,
          chain: signed.chain || [],
          comment: comment.value
        });
      })
      .then(function (done) {
        showProgress("Đã ký số và ký duyệt. Đang tải lại trang…");
        window.location.assign(done.redirect);
      })
      .catch(function (failure) {
        pin = "";
        pinInput.value = "";
        button.disabled = false;
        showError(failure instanceof Failure ? failure.message : "Ký số không thành công: " + failure);
      });
  });
})();
