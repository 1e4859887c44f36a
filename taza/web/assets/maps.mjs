// Taza's maps: MapLibre GL with a self-hosted basemap, bundled by script/build-assets.
//
// The page's base template writes the configuration (#taza-map-config): a PMTiles file
// served by Taza (vector, drawn with the Protomaps basemap style), or an XYZ raster
// template a deployment names, or neither, when the region outlines alone are the map.
// Every page script makes its map through TazaMaps.create, so each gets the same
// basemap, zoom limits, attribution and translated controls.
import * as maplibregl from "maplibre-gl";
import { Protocol } from "pmtiles";
import { layers, namedFlavor } from "@protomaps/basemaps";

const config = JSON.parse(document.getElementById("taza-map-config").textContent);
maplibregl.setWorkerUrl(new URL(config.worker, window.location.href).href);
if (config.pmtiles) {
  maplibregl.addProtocol("pmtiles", new Protocol().tile);
}

function baseLayers(outlines) {
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#f2f4f1" } }],
  };
  if (config.glyphs) {
    style.glyphs = new URL(config.glyphs, window.location.href).href.replace("%7Bfontstack%7D", "{fontstack}").replace("%7Brange%7D", "{range}");
  }
  if (config.pmtiles) {
    style.sources.basemap = {
      type: "vector",
      url: "pmtiles://" + new URL(config.pmtiles, window.location.href).href,
      attribution: config.attribution,
    };
    // Labels need glyphs; without them the map is drawn without words, not broken.
    // Taza ships no icon sprite, so labels are words alone.
    style.layers = layers("basemap", namedFlavor("light"), config.glyphs ? { lang: config.language } : {})
      .map((layer) => {
        if (layer.type === "symbol" && layer.layout && layer.layout["icon-image"]) {
          const layout = Object.assign({}, layer.layout);
          delete layout["icon-image"];
          return Object.assign({}, layer, { layout: layout });
        }
        return layer;
      });
  } else if (config.tiles) {
    style.sources.basemap = {
      type: "raster",
      tiles: [config.tiles],
      tileSize: 256,
      maxzoom: config.tilesMaxZoom,
      attribution: config.attribution,
    };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  if (outlines) {
    const basemap = Boolean(config.pmtiles || config.tiles);
    style.sources.regions = { type: "geojson", data: config.regions, attribution: config.boundaries };
    style.layers.push({
      id: "regions-fill",
      type: "fill",
      source: "regions",
      paint: { "fill-color": "#1b7f4b", "fill-opacity": basemap ? 0 : 0.06 },
    });
    style.layers.push({
      id: "regions-line",
      type: "line",
      source: "regions",
      paint: { "line-color": "#1b7f4b", "line-width": basemap ? 1.5 : 1 },
    });
  }
  return style;
}

// Make a map in a box, with the basemap, the zoom limits and the controls.
function create(container, options) {
  const settings = Object.assign({ outlines: true, center: [67.0, 48.0], zoom: 3.3 }, options || {});
  const map = new maplibregl.Map({
    container: container,
    style: baseLayers(settings.outlines),
    center: settings.center,
    zoom: settings.zoom,
    minZoom: 2,
    maxZoom: config.maxZoom,
    attributionControl: { compact: true },
    locale: config.locale,
    keyboard: true,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  container.dataset.basemap = config.pmtiles ? "pmtiles" : config.tiles ? "raster" : "outlines";
  container.tazaMap = map; // for the place search and the tests
  return map;
}

// A popup whose content is a link, made with DOM calls (no HTML from data).
function linkPopup(href, text) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = text;
  return new maplibregl.Popup({ closeButton: true }).setDOMContent(link);
}

// The bounds of a GeoJSON collection, or null when it is empty.
function boundsOf(collection) {
  const bounds = new maplibregl.LngLatBounds();
  let any = false;
  function add(coordinates) {
    if (typeof coordinates[0] === "number") {
      bounds.extend(coordinates);
      any = true;
    } else {
      coordinates.forEach(add);
    }
  }
  collection.features.forEach((feature) => feature.geometry && add(feature.geometry.coordinates));
  return any ? bounds : null;
}

window.TazaMaps = { create, linkPopup, boundsOf, maplibregl, config };
