/* The floor-plan editor of the centre-management pages: drag a desk or room on the plan,
 * or focus it and move it with the arrow keys (Shift: bigger steps). Every move writes the
 * numbers into the form's inputs, which are the form without this script: saving is an
 * ordinary submit. Typing a number moves the item on the plan too. */
(function () {
  "use strict";
  var STEP = 10;
  var BIG_STEP = 50;

  function snap(value) {
    return Math.round(value / STEP) * STEP;
  }

  function setUp(form) {
    var svg = form.querySelector("svg.plan-editor");
    if (!svg) {
      return;
    }
    var width = Number(form.dataset.width);
    var height = Number(form.dataset.height);

    function input(id, axis) {
      return form.querySelector('input[data-for="' + id + '"][data-axis="' + axis + '"]');
    }

    function place(item, x, y) {
      var id = item.dataset.resource;
      x = Math.max(0, Math.min(width - Number(item.dataset.w), x));
      y = Math.max(0, Math.min(height - Number(item.dataset.h), y));
      item.setAttribute("transform", "translate(" + x + " " + y + ")");
      input(id, "x").value = x;
      input(id, "y").value = y;
      var on = form.querySelector('input[name="on_' + id + '"]');
      if (on) {
        on.checked = true;
      }
    }

    function position(item) {
      var id = item.dataset.resource;
      return [Number(input(id, "x").value), Number(input(id, "y").value)];
    }

    function pointIn(event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }

    svg.querySelectorAll("[data-resource]").forEach(function (item) {
      var grab = null;
      item.addEventListener("pointerdown", function (event) {
        var start = pointIn(event);
        var at = position(item);
        grab = { dx: start.x - at[0], dy: start.y - at[1] };
        item.setPointerCapture(event.pointerId);
        item.classList.add("dragging");
        event.preventDefault();
      });
      item.addEventListener("pointermove", function (event) {
        if (!grab) {
          return;
        }
        var point = pointIn(event);
        place(item, snap(point.x - grab.dx), snap(point.y - grab.dy));
      });
      function drop() {
        grab = null;
        item.classList.remove("dragging");
      }
      item.addEventListener("pointerup", drop);
      item.addEventListener("pointercancel", drop);
      item.addEventListener("keydown", function (event) {
        var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
        var move = moves[event.key];
        if (!move) {
          return;
        }
        var step = event.shiftKey ? BIG_STEP : STEP;
        var at = position(item);
        place(item, at[0] + move[0] * step, at[1] + move[1] * step);
        event.preventDefault();
      });
    });

    form.querySelectorAll("input[data-axis]").forEach(function (field) {
      field.addEventListener("input", function () {
        var item = svg.querySelector('[data-resource="' + field.dataset.for + '"]');
        if (item) {
          var at = position(item);
          item.setAttribute("transform", "translate(" + at[0] + " " + at[1] + ")");
        }
      });
    });
  }

  document.querySelectorAll("[data-plan-editor]").forEach(setUp);
})();
