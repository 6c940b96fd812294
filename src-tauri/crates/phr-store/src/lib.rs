//! What survives a restart: the SQLCipher profile cache and the keyring vault
//! for tokens and the database key. Filled in by the storage issue; until then
//! the app keeps nothing on disk but its config and logs.
