/* The visit log form: check-in time when the page opened, location on request, and one
   submission per tap. Messages come from the form's data-msg-* attributes (translated). */
(function () {
  var form = document.getElementById("visit-log");
  if (!form) { return; }
  var checkin = form.querySelector("[name=checked_in_at]");
  if (checkin && !checkin.value) { checkin.value = new Date().toISOString(); }
  document.getElementById("locate").addEventListener("click", function () {
    var status = document.getElementById("checkin-status");
    if (!navigator.geolocation) { status.textContent = form.dataset.msgUnavailable; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
      status.textContent = form.dataset.msgAdded;
    }, function () { status.textContent = form.dataset.msgRefused; }, { timeout: 10000 });
  });
  // A double tap submits once; the server also ignores a repeated submission.
  form.addEventListener("submit", function () {
    var button = document.getElementById("save-log");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
