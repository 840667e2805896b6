import type { ReactNode } from 'react';

type Label = { readonly label: string; readonly labelledBy?: never } | { readonly labelledBy: string; readonly label?: never };

/**
 * A table in a region of its own that scrolls sideways when the table is wider than the screen (a
 * phone), so the page never does. The region is named (by `label`, or by the heading `labelledBy`
 * names) and focusable, so the keyboard can scroll it too.
 */
export function TableScroll({ label, labelledBy, children }: Label & { readonly children: ReactNode }) {
  return (
    <div className="table-scroll table-region" role="region" tabIndex={0} aria-label={label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
