"""TIP Tiers API: the U.S. State Department's Trafficking in Persons Report tier placements over HTTP."""
