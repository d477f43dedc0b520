// Draw the incident area on the offline kommun map: each click adds a corner; the GeoJSON field follows.
// The textarea stays the accessible way to give the area; this only fills it in.
(function () {
  "use strict";
  var svg = document.getElementById("area-map");
  var field = document.getElementById("id_area");
  if (!svg || !field) { return; }
  var minLon = parseFloat(svg.dataset.minLon), maxLat = parseFloat(svg.dataset.maxLat);
  var k = parseFloat(svg.dataset.k), scale = parseFloat(svg.dataset.scale);
  var shape = svg.querySelector(".area-map__drawn");
  var points = [];

  function toLonLat(x, y) {
    return [Math.round((minLon + x / (k * scale)) * 1e6) / 1e6, Math.round((maxLat - y / scale) * 1e6) / 1e6];
  }
  function redraw() {
    shape.setAttribute("points", points.map(function (p) { return p[0] + "," + p[1]; }).join(" "));
    if (points.length >= 3) {
      var ring = points.map(function (p) { return toLonLat(p[0], p[1]); });
      ring.push(ring[0]);
      field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    }
  }
  svg.addEventListener("click", function (event) {
    var pt = svg.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var local = pt.matrixTransform(svg.getScreenCTM().inverse());
    points.push([Math.round(local.x * 10) / 10, Math.round(local.y * 10) / 10]);
    redraw();
  });
  var clear = document.getElementById("area-map-clear");
  if (clear) {
    clear.hidden = false;
    clear.addEventListener("click", function () { points = []; field.value = ""; redraw(); });
  }
})();
