import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * The width of an element, kept up to date as it changes (a phone turned, a window resized), so a
 * chart draws at its real size and its text stays at the page's size instead of being scaled.
 */
export function useWidth<E extends HTMLElement>(fallback = 600): readonly [RefObject<E | null>, number] {
  const ref = useRef<E>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(200, Math.floor(element.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
