//! `lull-frontend`: the front ends of Lull.
