import { formatDate, fullDate, splitDates, type DateStyle } from "../lib/local-dates.ts";
import { useReaderClock } from "../lib/reader-clock.tsx";

/**
 * A date in the reader's zone and locale, with the full date, time and zone in its title.
 * The browser's and the server's ICU may word a date slightly differently, hence the suppressed
 * hydration warning: the text is the same date either way.
 */
export function LocalTime({ value, style = "date-time" }: { value: string; style?: DateStyle }) {
  const clock = useReaderClock();
  return (
    <time dateTime={value} title={fullDate(value, clock)} suppressHydrationWarning>
      {formatDate(value, style, clock)}
    </time>
  );
}

/** A sentence from core ("already rolled back by #12 at 2026-12-05 14:03 UTC") with its dates in the reader's zone. */
export function DatedText({ text }: { text: string }) {
  return (
    <>
      {splitDates(text).map((part, index) => ("date" in part ? <LocalTime key={index} value={part.date} /> : part.text))}
    </>
  );
}
