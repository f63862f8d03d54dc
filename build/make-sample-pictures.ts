/**
 * Makes the pictures of content/macron-poutine-carte-2022-02-28.yaml (run once:
 * `npx tsx build/make-sample-pictures.ts`; the outputs are committed): a locator map drawn as SVG
 * from city coordinates and a hand-traced outline of Ukraine, and a photograph-like illustration
 * drawn from a fixed seed. Both are the project's own, released under CC0 (docs/brand.md, "The sample").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jpegFile, png, random } from './pictures';

const out = new URL('../content/pictures/', import.meta.url).pathname;

/** Equirectangular, 6° W to 44° E and 43.5° N to 58.5° N, at 13 px a degree of longitude. */
const MAP = { width: 650, height: 320, west: -6, east: 44, south: 43.5, north: 58.5 };
const mapX = (lon: number): number => ((lon - MAP.west) / (MAP.east - MAP.west)) * MAP.width;
const mapY = (lat: number): number => ((MAP.north - lat) / (MAP.north - MAP.south)) * MAP.height;
const point = ([lon, lat]: readonly [number, number]): string => `${mapX(lon).toFixed(1)} ${mapY(lat).toFixed(1)}`;

/** Ukraine's border, traced by hand at about half a degree: enough for a locator map, not for a border. */
const UKRAINE: readonly (readonly [number, number])[] = [
  [22.1, 48.4], [22.6, 49.5], [24.0, 50.8], [23.6, 51.5], [25.5, 51.9], [27.8, 51.6], [30.2, 51.5], [30.6, 52.1],
  [32.2, 52.1], [33.8, 52.4], [35.4, 50.6], [38.2, 50.0], [40.1, 49.6], [39.7, 47.8], [38.2, 47.1], [37.0, 46.8],
  [35.0, 45.7], [36.5, 45.3], [33.5, 44.4], [32.5, 45.4], [30.8, 46.5], [30.0, 45.8], [28.2, 45.5], [28.9, 46.6],
  [26.6, 48.3], [24.9, 47.7], [22.9, 47.9],
];
const CITIES: readonly { name: string; at: readonly [number, number]; capital: boolean; dx?: number; dy?: number }[] = [
  { name: 'Paris', at: [2.35, 48.86], capital: true, dy: 18 },
  { name: 'Berlin', at: [13.4, 52.52], capital: false },
  { name: 'Varsovie', at: [21.01, 52.23], capital: false },
  { name: 'Minsk', at: [27.56, 53.9], capital: false },
  { name: 'Kiev', at: [30.52, 50.45], capital: false, dx: -34, dy: 4 },
  { name: 'Moscou', at: [37.62, 55.75], capital: true },
];

function locatorMap(): string {
  const lines: string[] = [];
  for (let lon = -5; lon <= 40; lon += 5) lines.push(`<line x1="${mapX(lon)}" y1="0" x2="${mapX(lon)}" y2="${MAP.height}"/>`);
  for (let lat = 45; lat <= 55; lat += 5) lines.push(`<line x1="0" y1="${mapY(lat)}" x2="${MAP.width}" y2="${mapY(lat)}"/>`);
  const border = `M${UKRAINE.map(point).join(' L')} Z`;
  const [paris, moscow] = [CITIES[0], CITIES[5]] as [(typeof CITIES)[number], (typeof CITIES)[number]];
  const call = `M${point(paris.at)} Q ${point([20, 58.5])} ${point(moscow.at)}`;
  const cities = CITIES.map(({ name, at, capital, dx = 8, dy = -7 }) => {
    const [x, y] = [mapX(at[0]), mapY(at[1])];
    const mark = capital ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5.5" fill="#ffffff" stroke="#1b2a4a" stroke-width="2"/>` : `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="#1b2a4a"/>`;
    return `${mark}<text x="${(x + dx).toFixed(1)}" y="${(y + dy).toFixed(1)}" font-size="14"${capital ? ' font-weight="bold"' : ''} fill="#1f2328">${name}</text>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP.width} ${MAP.height}" width="${MAP.width}" height="${MAP.height}">
  <title>Paris, Moscou et l’Ukraine</title>
  <rect width="${MAP.width}" height="${MAP.height}" fill="#eef2f7"/>
  <g stroke="#c9d1dc" stroke-width="0.8" fill="none">${lines.join('')}</g>
  <path d="${border}" fill="#f6dccb" stroke="#a34400" stroke-width="1.4" stroke-linejoin="round"/>
  <text x="${mapX(32.2)}" y="${mapY(48.3)}" font-size="15" font-weight="bold" fill="#a34400" text-anchor="middle">UKRAINE</text>
  <path d="${call}" fill="none" stroke="#1b2a4a" stroke-width="2" stroke-dasharray="7 5"/>
  <text x="${mapX(19)}" y="${mapY(56.6)}" font-size="13" fill="#545d6b" text-anchor="middle">entretien téléphonique, 1 h 30</text>
  ${cities.join('\n  ')}
  <text x="${MAP.width - 8}" y="${MAP.height - 8}" font-size="10" fill="#545d6b" text-anchor="end">Projection équirectangulaire, tracé simplifié</text>
</svg>
`;
}

/**
 * A palace front at dusk: a gradient sky, a pale stone front with three storeys of lit windows, a
 * flag on its pole, cobbles in the foreground, and grain like a photograph's.
 */
function palaceAtDusk(width: number, height: number, seed: number): Buffer {
  const noise = random(seed);
  const front = { left: width * 0.12, right: width * 0.88, top: height * 0.34, bottom: height * 0.78 };
  const roof = height * 0.3;
  const floors = 3;
  const bays = 11;
  return png(width, height, 2, (x, y) => {
    const sky = y / height;
    let colour = [40 + 150 * sky, 60 + 90 * sky, 110 + 60 * sky];
    const inFront = x >= front.left && x <= front.right;
    if (inFront && y >= roof && y < front.top) colour = [70, 78, 92];
    if (inFront && y >= front.top && y <= front.bottom) {
      colour = [196, 184, 160];
      const bay = ((x - front.left) / (front.right - front.left)) * bays;
      const floor = ((y - front.top) / (front.bottom - front.top)) * floors;
      const [inBayX, inFloorY] = [bay - Math.floor(bay), floor - Math.floor(floor)];
      if (inBayX > 0.3 && inBayX < 0.7 && inFloorY > 0.2 && inFloorY < 0.8) colour = Math.floor(bay) === 5 && Math.floor(floor) === 2 ? [120, 90, 60] : [250, 214, 130];
      if (Math.abs(inFloorY - 0.95) < 0.03) colour = [170, 158, 136];
    }
    const pole = width * 0.5;
    if (Math.abs(x - pole) < width * 0.003 && y > height * 0.12 && y < roof) colour = [60, 60, 60];
    const flagTop = height * 0.13;
    if (x > pole && x < pole + width * 0.09 && y > flagTop && y < flagTop + height * 0.07) {
      const stripe = Math.floor(((x - pole) / (width * 0.09)) * 3);
      colour = stripe === 0 ? [0, 35, 149] : stripe === 1 ? [240, 240, 240] : [237, 41, 57];
    }
    if (y > front.bottom) {
      const [cobbleX, cobbleY] = [(x / (width * 0.02)) % 1, ((y - front.bottom) / (height * 0.018)) % 1];
      const shade = 90 + 40 * sky + (cobbleX < 0.08 || cobbleY < 0.1 ? -35 : 0);
      colour = [shade, shade - 6, shade - 14];
    }
    return colour.map((value) => Math.max(0, Math.min(255, Math.round(value + (noise() - 0.5) * 26))));
  });
}

writeFileSync(join(out, 'carte-paris-moscou.svg'), locatorMap());
await jpegFile(palaceAtDusk(1600, 800, 28), 1600, 800, 86, join(out, 'palais-crepuscule.jpg'));
