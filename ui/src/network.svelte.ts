/**
 * Whether ABDM could be reached the last time the app tried. Set from command
 * results (`attempt`), so the banner appears the moment a call finds no network
 * and goes once one gets through; cached data keeps working meanwhile.
 */
export const network = $state({ offline: false });
