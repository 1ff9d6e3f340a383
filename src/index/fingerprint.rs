//! Fingerprints of bytes: enough to notice that a file, the corpus's settings or a record changed.

/// A file's 64-bit FNV-1a hash and length: enough to notice that it changed.
pub struct Fingerprint {
    hash: u64,
    /// Bytes hashed.
    pub len: u64,
}

impl Fingerprint {
    const START: u64 = 0xcbf2_9ce4_8422_2325;

    /// The fingerprint of bytes in memory.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        let mut print = Fingerprint {
            hash: Fingerprint::START,
            len: 0,
        };
        print.add(bytes);
        print
    }

    fn add(&mut self, bytes: &[u8]) {
        self.hash = bytes.iter().fold(self.hash, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.len += bytes.len() as u64;
    }

    /// As recorded in the index's fingerprints file.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// A reader that fingerprints what passes through it, so a file is read once for both.
pub struct Fingerprinting<R> {
    inner: R,
    print: Fingerprint,
}

impl<R: std::io::Read> Fingerprinting<R> {
    pub fn new(inner: R) -> Fingerprinting<R> {
        let print = Fingerprint::of(&[]);
        Fingerprinting { inner, print }
    }

    /// Reads the rest in pieces, never whole, and returns the fingerprint.
    pub fn finish(mut self) -> std::io::Result<Fingerprint> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self.print)
    }

    /// The fingerprint of what has been read so far.
    pub fn fingerprint(self) -> Fingerprint {
        self.print
    }
}

impl<R: std::io::Read> std::io::Read for Fingerprinting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.print.add(&buf[..n]);
        Ok(n)
    }
}
