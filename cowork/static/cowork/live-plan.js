/* Live occupancy, the floor plan's spots: loaded after live-link.js and before live.js on
 * the pages that draw a plan. The plan follows where resources stand: one added or placed
 * since the page was rendered appears at once, one moved moves, one taken off the plan
 * goes, without a reload. A new spot is drawn as cowork/live/_plan.html draws one; live.js
 * then gives it its state, words and label.
 */
(function () {
  "use strict";

  var live = window.coworkLive;
  if (!live) {
    return;
  }
  var SVG_NS = "http://www.w3.org/2000/svg";
  var part = live.part;
  var setText = live.setText;

  function svgChild(parent, name, attributes) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    parent.appendChild(node);
    return node;
  }

  // Where the texts sit inside the rectangle: as cowork/web/live/shapes.py places them.
  function draw(node, resource) {
    var box = resource.plan;
    var centreX = box[0] + Math.floor(box[2] / 2);
    var stateY = box[1] + Math.floor(box[3] / 2) + 15;
    var holderY = resource.kind === "room" ? stateY + 22 : box[1] + box[3] + 12;
    var rect = node.querySelector("rect");
    rect.setAttribute("x", box[0]);
    rect.setAttribute("y", box[1]);
    rect.setAttribute("width", box[2]);
    rect.setAttribute("height", box[3]);
    node.querySelectorAll("text").forEach(function (text) {
      text.setAttribute("x", centreX);
    });
    node.querySelector(".spot-name").setAttribute("y", stateY - 19);
    part(node, "label").setAttribute("y", stateY);
    var holder = part(node, "holder");
    if (holder) {
      holder.setAttribute("y", holderY);
    }
  }

  function newSpot(plan, resource, name) {
    var node = svgChild(plan, "g", {
      class: "spot live-spot spot-kind-" + resource.kind,
      role: "img",
      "data-resource": resource.id,
    });
    svgChild(node, "rect", { rx: 5 });
    setText(svgChild(node, "text", { class: "spot-name" }), name);
    svgChild(node, "text", { class: "spot-state", "data-part": "label" });
    // Only the host's plan names who holds a place.
    if (plan.hasAttribute("data-holders")) {
      svgChild(node, "text", { class: "spot-holder", "data-part": "holder" });
    }
    return node;
  }

  // The spot of `resource` on `plan` as it stands now, kept in `spots` by id: made, moved
  // or removed; the spot, or null once it is off the plan.
  live.placeSpot = function (plan, spots, resource, name) {
    var id = String(resource.id);
    if (resource.plan === undefined) {
      return spots[id];
    }
    if (!resource.plan) {
      if (spots[id]) {
        spots[id].remove();
        delete spots[id];
      }
      return null;
    }
    if (!spots[id]) {
      spots[id] = newSpot(plan, resource, name);
    }
    draw(spots[id], resource);
    return spots[id];
  };
})();
