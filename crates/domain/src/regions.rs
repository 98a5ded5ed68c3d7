//! Regions: where checks are made from. A node carries a region label (`node.region`); a site
//! may choose the regions it is checked from and a quorum — how many of them must see it down
//! before it counts as down. Each region's latest fresh verdict is one vote ([`SiteRegions::vote`]);
//! regions with no fresh verdict (no live node, or a node that cannot keep up) are left out.

mod choice;
mod name;
mod vote;

pub use choice::{MAX_REGIONS, Quorum, RegionsError, SiteRegions};
pub use name::{RegionName, RegionNameError};
pub use vote::{Freshness, RegionStanding, RegionVerdict, Vote};
