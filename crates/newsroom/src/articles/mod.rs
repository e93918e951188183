//! Articles: what a client may send ([`input`]), the rules a write obeys ([`write`]), the
//! moves through publication ([`lifecycle`]), the notes a published article carries
//! ([`corrections`]), the desk's assignments and internal notes ([`desk`]), the revision every
//! change leaves ([`history`]), the live blog an article can become ([`live`]), and the edit
//! locks that keep two editors from writing over each other ([`locks`]).

pub mod corrections;
pub mod desk;
pub mod history;
pub mod input;
pub mod lifecycle;
pub mod live;
pub mod locks;
pub mod write;
