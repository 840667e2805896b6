import { useI18n } from '../../i18n/i18n';
import { kindLabel } from './job-kinds';

/** A backyard's name as the API spells it, and its label in the language on screen. */
export function KindName({ backyard }: { readonly backyard: string }) {
  const { language } = useI18n();
  const label = kindLabel(backyard, language);
  return (
    <>
      <code>{backyard}</code>
      {label && <span className="meta"> {label}</span>}
    </>
  );
}
