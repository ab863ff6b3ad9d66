// Follow one turn on the call graph: the chips, the turn links and the ← → keys pick a
// turn; its nodes and edges (SVG elements whose data-turns name it) turn amber.
"use strict";
(function () {
  const graph = document.querySelector(".callgraph");
  const caption = document.getElementById("caption");
  const chips = Array.from(document.querySelectorAll(".picker .chip"));
  const numbers = chips.filter((c) => c.dataset.turn !== undefined).map((c) => c.dataset.turn);
  let picked = null;

  function pick(turn) {
    picked = turn;
    graph.classList.toggle("focus", turn !== null);
    document.querySelectorAll("[data-turns]").forEach((el) => {
      const now = turn !== null && el.dataset.turns.split(" ").includes(turn);
      el.classList.toggle("now", now);
      if (now && el.classList.contains("edge")) el.parentNode.appendChild(el); // draw on top
    });
    document.querySelectorAll(".latency .bar, .turn").forEach((el) => {
      const id = el.dataset.turn !== undefined ? el.dataset.turn : el.id.replace("turn-", "");
      el.classList.toggle("now", id === turn);
    });
    chips.forEach((chip) => {
      const mine = turn === null ? chip.classList.contains("all") : chip.dataset.turn === turn;
      chip.classList.toggle("active", mine);
      if (mine) caption.textContent = chip.dataset.caption;
    });
  }

  chips.forEach((chip) =>
    chip.addEventListener("click", (event) => {
      event.preventDefault(); // stay at the graph instead of jumping to the turn
      const turn = chip.dataset.turn === undefined ? null : chip.dataset.turn;
      history.replaceState(null, "", turn === null ? "#all" : "#turn-" + turn);
      pick(turn);
    })
  );
  document.querySelectorAll(".turn-no, .latency .bar").forEach((link) =>
    link.addEventListener("click", () => pick(link.dataset.turn))
  );
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || !numbers.length) return;
    if (event.target.closest("input, select, textarea")) return;
    const at = picked === null ? -1 : numbers.indexOf(picked);
    if (event.key === "ArrowRight") pick(numbers[Math.min(at + 1, numbers.length - 1)]);
    else if (event.key === "ArrowLeft") pick(at <= 0 ? null : numbers[at - 1]);
  });
  const hash = /^#turn-(\d+)$/.exec(location.hash);
  pick(hash && numbers.includes(hash[1]) ? hash[1] : null);
})();
