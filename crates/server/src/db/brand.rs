//! The studio's brand (`brand`, one row: name, accent colour, logo) and the
//! PNG files made from its logo (`brand_files`, served by the origin under
//! their content-named names); and each gallery's cover photo
//! (`galleries.cover`).

use proofline_core::brand::Accent;
use proofline_core::{GalleryId, ImageId};

use super::Db;
use crate::args;

/// The brand as stored: each part unset until the studio sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredBrand {
    pub name: Option<String>,
    pub accent: Option<Accent>,
    pub logo: Option<StoredLogo>,
}

/// The logo: its files' names' hash part and the header logo's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogo {
    pub hash: String,
    pub width: u32,
    pub height: u32,
}

impl StoredBrand {
    pub fn is_empty(&self) -> bool {
        *self == StoredBrand::default()
    }
}

/// Which column of `brand` a change writes.
#[derive(Clone, Copy)]
enum Part {
    Name,
    Accent,
}

impl Db {
    pub fn brand(&self) -> anyhow::Result<StoredBrand> {
        self.read(|c| {
            let Some(r) = c.query_opt(
                "SELECT name, accent, logo, logo_width, logo_height FROM brand WHERE id = 1",
                args![],
            )?
            else {
                return Ok(StoredBrand::default());
            };
            let accent: Option<String> = r.get(1)?;
            Ok(StoredBrand {
                name: r.get(0)?,
                accent: accent
                    .map(|a| Accent::parse(&a).map_err(anyhow::Error::msg))
                    .transpose()?,
                logo: match r.get::<Option<String>>(2)? {
                    Some(hash) => Some(StoredLogo {
                        hash,
                        width: r.get(3)?,
                        height: r.get(4)?,
                    }),
                    None => None,
                },
            })
        })
    }

    /// Sets (or clears) the studio's name, checked by
    /// [`proofline_core::brand::studio_name`].
    pub fn set_brand_name(&self, name: Option<&str>) -> anyhow::Result<()> {
        let name = name
            .map(|n| proofline_core::brand::studio_name(n).map_err(anyhow::Error::msg))
            .transpose()?;
        self.set_part(Part::Name, name)
    }

    pub fn set_brand_accent(&self, accent: Option<Accent>) -> anyhow::Result<()> {
        self.set_part(Part::Accent, accent.map(|a| a.to_string()))
    }

    fn set_part(&self, part: Part, value: Option<String>) -> anyhow::Result<()> {
        let sql = match part {
            Part::Name => {
                "INSERT INTO brand (id, name) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name"
            }
            Part::Accent => {
                "INSERT INTO brand (id, accent) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET accent = excluded.accent"
            }
        };
        self.write("brand", |c| c.execute(sql, args![value]))?;
        Ok(())
    }

    /// Replaces the logo: `logo` is the new files' hash part and the header
    /// logo's size, `files` the files (name, PNG bytes); `None` and no
    /// files take the logo away.
    /// In one transaction, so the page never names a file not there yet.
    pub fn set_brand_logo(
        &self,
        logo: Option<(&str, u32, u32)>,
        files: &[(String, Vec<u8>)],
    ) -> anyhow::Result<()> {
        self.write("brand", |c| {
            c.execute("DELETE FROM brand_files", args![])?;
            for (name, bytes) in files {
                c.execute(
                    "INSERT INTO brand_files (name, bytes) VALUES (?1, ?2)",
                    args![name, bytes],
                )?;
            }
            let (hash, width, height) = match logo {
                Some((hash, w, h)) => (Some(hash), Some(w), Some(h)),
                None => (None, None, None),
            };
            c.execute(
                "INSERT INTO brand (id, logo, logo_width, logo_height) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET logo = excluded.logo,
                     logo_width = excluded.logo_width, logo_height = excluded.logo_height",
                args![hash, width, height],
            )
        })?;
        Ok(())
    }

    /// One of the logo's files, by name.
    pub fn brand_file(&self, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
        self.read(|c| {
            c.query_opt("SELECT bytes FROM brand_files WHERE name = ?1", args![name])?
                .map(|r| r.get(0))
                .transpose()
        })
    }

    /// Sets (or clears) the gallery's cover photo, which must be one of its
    /// photos; `false` if there is no such gallery.
    pub fn set_cover(&self, gallery: &GalleryId, cover: Option<&ImageId>) -> anyhow::Result<bool> {
        self.write(gallery.as_str(), |c| {
            if let Some(image) = cover {
                let known = c.query_opt(
                    "SELECT 1 FROM images WHERE gallery_id = ?1 AND image_id = ?2",
                    args![gallery.as_str(), image.as_str()],
                )?;
                anyhow::ensure!(known.is_some(), "photo {image} is not in gallery {gallery}");
            }
            let n = c.execute(
                "UPDATE galleries SET cover = ?2 WHERE id = ?1",
                args![gallery.as_str(), cover.map(ImageId::as_str)],
            )?;
            Ok(n == 1)
        })
    }
}
