// Shows every <time datetime> of the page in the browser's own time zone, to the minute; the page as served says
// UTC, so it reads the same without this script.
(function () {
  var format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
  });
  document.querySelectorAll('time[datetime]').forEach(function (time) {
    var at = new Date(time.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      time.textContent = format.format(at);
    }
  });
})();
