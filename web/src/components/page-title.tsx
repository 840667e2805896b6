import { useEffect, useRef } from 'react';

/**
 * The page's heading. It names the browser tab too, and takes the focus when the page opens, so a
 * screen reader announces where a link led (the console changes pages without a reload).
 */
export function PageTitle({ children }: { readonly children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} — drydock`;
  }, [children]);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
