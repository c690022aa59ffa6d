// index.html's script (scripts/verifier/reports/html.py inlines it into the page).
// index.html?focus=VARIANT: only that variant's counterexamples, for a projector.
var focus = new URLSearchParams(window.location.search).get('focus');
if (focus) {
  document.body.classList.add('focus');
  document.body.setAttribute('data-focus', focus);
  document.querySelectorAll('.variant-cx').forEach(function (el) {
    if (el.getAttribute('data-variant') !== focus) el.classList.add('hidden');
  });
}
document.querySelectorAll('button[data-toggle]').forEach(function (b) {
  b.addEventListener('click', function () {
    var wrap = document.getElementById(b.getAttribute('data-toggle'));
    wrap.classList.toggle('only-race');
    b.textContent = wrap.classList.contains('only-race') ? 'show every step'
                                                         : 'show only the racing steps';
  });
});
// How many swimlanes were drawn (the HTML test reads it from the rendered DOM).
var lanes = document.querySelectorAll('table.lanes').length;
document.body.setAttribute('data-rendered', String(lanes));
