import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export { until } from './until.js';

// Functions given to page.evaluate run in the browser; the tests compile without the DOM types.
declare const document: any, window: any, NodeFilter: any;

/** Debian's chromium (.ci/run installs it with apt-get); a test never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A running chromium. */
export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches the system chromium headless, with the flags a closed network and a shared CI host
 * need: no sandbox (root in a container), no GPU, nothing fetched in the background; Playwright
 * gives it a fresh profile of its own (a temporary --user-data-dir). Fails loudly when chromium is missing: the browser tests never skip.
 */
export async function launchChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page and returns its serious and critical violations (rule id and the
 * first few targets). axe is evaluated through the DevTools protocol, so the page's
 * Content-Security-Policy (no inline script) stays in force.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v: any) => ({
      id: v.id as string,
      impact: v.impact as string,
      targets: v.nodes.slice(0, 3).map((n: any) => String(n.target)) as string[],
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/**
 * The visible text of the page that is the interface's own (not data: elements marked
 * translate="no", the options of closed lists), one entry per text node that has letters.
 */
export function visibleInterfaceText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      const parent = node.parentElement;
      if (!parent || !/\p{L}/u.test(text)) continue;
      if (parent.closest('[translate="no"], select, script, style, .visually-hidden')) continue;
      if (!parent.checkVisibility()) continue;
      texts.push(text);
    }
    return texts;
  });
}

/** Letters only Vietnamese uses (with its tone marks): none may remain on an English page. */
export const VIETNAMESE_LETTERS =
  /[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/iu;
