"""The duty rota: shift types (`types`), planning and cover (`rota`), looking at the rota
(`views`), swaps (`swaps`), clock-in/out (`attendance`) and handover (`handover`)."""
