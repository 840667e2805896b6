/** The languages the console speaks (a leaf: the date-time formatter and the tests import it too). */
export type Language = 'ja' | 'en';
export const LANGUAGES: readonly Language[] = ['ja', 'en'];
