//! What the fuzz targets and their seed writers share.

pub mod reply;
