/**
 * How the console's browser tests and the benchmark start Debian's Chromium (/work/shared/FACTS.md:
 * playwright's own browsers cannot be downloaded here), for playwright-core's `chromium.launch`.
 * Without the omnibox's popup: headless Chromium starts that browser UI in a renderer of its own
 * for every new tab, which then competes with the page for the machine's two cores (a desktop
 * browser starts it once per window).
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
    ],
  };
}
