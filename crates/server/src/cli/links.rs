//! Share links from the terminal: `proofline link create|downloads|list|remind|revoke`, and
//! `proofline studio-link` (the studio page's link, for one gallery or all).

use anyhow::Context as _;
use proofline_core::downloads::Downloads;

use super::gallery::open_gallery;
use super::{LinkCommand, output};
use crate::db::NewLink;
use crate::settings::{CommonArgs, DEFAULT_ORIGIN_LISTEN, Settings};
use crate::signing::Mirrors;

pub(super) async fn link(command: LinkCommand) -> anyhow::Result<()> {
    let now = crate::unix_now();
    match command {
        LinkCommand::Create {
            gallery,
            label,
            pin,
            expires,
            email,
            downloads,
            download_pin,
            listen,
            common,
        } => {
            if let Some(email) = &email {
                crate::notify::email::check_address(email)?;
            }
            let settings = Settings::resolve(&common, listen)?;
            let (db, gallery) = open_gallery(&common, &gallery)?;
            let pin = crate::secret::chosen_pin(pin);
            let download_pin = crate::secret::chosen_pin(download_pin);
            let new = NewLink {
                label,
                pin: pin.clone(),
                expires_at: expires,
                downloads,
                download_pin: download_pin.clone(),
            };
            let (link, token) = db.create_link(&gallery.id, &new, now)?;
            if let Some(email) = &email {
                db.set_link_email(&link.id, Some(email))?;
            }
            println!(
                "Share link {}{}: {}",
                link.id,
                output::describe(&link),
                settings.share_link(gallery.id.as_str(), token.as_str())
            );
            if let Some(pin) = pin {
                println!("PIN: {pin}");
                if let Some(warning) = proofline_core::links::pin_warning(&pin) {
                    println!("Warning: {warning}");
                }
                println!("Send the PIN separately from the link (a text and an email, say).");
            }
            if let Some(pin) = download_pin {
                println!("Download PIN: {pin}");
            }
            if let Some(email) = email {
                println!("Reminders go to {email}.");
            }
            Ok(())
        }
        LinkCommand::Remind {
            link,
            email,
            off: _,
            common,
        } => {
            if let Some(email) = &email {
                crate::notify::email::check_address(email)?;
            }
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            settings
                .open_db()?
                .set_link_email(&link, email.as_deref())?;
            match email {
                Some(email) => println!("Reminders for link {link} go to {email}."),
                None => println!("Link {link} sends no reminders."),
            }
            Ok(())
        }
        LinkCommand::Downloads {
            link,
            downloads,
            pin,
            no_pin,
            common,
        } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let db = settings.open_db()?;
            let pin = crate::secret::chosen_pin(pin);
            if let Some(pin) = &pin {
                crate::db::validate_pin(pin)
                    .map_err(|e| anyhow::anyhow!("the download PIN is not valid: {e}"))?;
            }
            db.set_link_downloads(&link, downloads)?;
            if pin.is_some() || no_pin {
                db.set_download_pin(&link, pin.as_deref())?;
            }
            println!(
                "Link {link} {}.",
                match downloads {
                    Downloads::None => "downloads nothing",
                    Downloads::Web => "downloads web-size photos (2048 px)",
                    Downloads::Full => "downloads full-size photos",
                }
            );
            match pin {
                Some(pin) => println!("Download PIN: {pin}"),
                None if no_pin => println!("Downloads need no PIN."),
                None => {}
            }
            Ok(())
        }
        LinkCommand::List { gallery, common } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let db = settings.open_db()?;
            let gallery = gallery.map(proofline_core::GalleryId::parse).transpose()?;
            let links = db.links(gallery.as_ref())?;
            if links.is_empty() {
                println!("No share links.");
            }
            for l in links {
                println!("{}", output::link_row(&l, now));
            }
            Ok(())
        }
        LinkCommand::Revoke { link, common } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let db = settings.open_db()?;
            let link = db.revoke_link(&link, now)?.with_context(|| {
                format!("there is no share link {link}; see `proofline link list`")
            })?;
            println!(
                "Link {} ({}) is revoked: it no longer opens gallery {}.",
                link.id,
                if link.label.is_empty() {
                    "no label"
                } else {
                    &link.label
                },
                link.gallery
            );
            // Its manifest mirror goes too, so the store does not keep
            // serving the gallery to that link while the origin is down.
            let result = async {
                let (store, temporary) = settings.open_store().await?;
                let r = Mirrors::default()
                    .delete(&store, &link.gallery, &link.token_hash)
                    .await;
                if let Some(t) = temporary {
                    t.stop().await;
                }
                r
            }
            .await;
            if let Err(e) = result {
                eprintln!(
                    "warning: could not delete the link's manifest mirror from the store ({e:#}); \
                     its signed URLs stop working within 7 days"
                );
            }
            Ok(())
        }
    }
}

pub(super) fn studio_link(gallery: Option<String>, common: &CommonArgs) -> anyhow::Result<()> {
    let settings = Settings::resolve(common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
    let token = crate::secret::new_token();
    let hash = crate::secret::token_hash(token.as_str());
    match gallery {
        Some(gallery) => {
            let (db, gallery) = open_gallery(common, &gallery)?;
            db.set_studio_token(&gallery.id, &hash)?;
            println!(
                "Studio page for gallery {} (the previous one no longer works): {}",
                gallery.id,
                settings.studio_link(gallery.id.as_str(), token.as_str())
            );
        }
        None => {
            settings.open_db()?.set_studio_wide_token(&hash)?;
            println!(
                "Studio page for every gallery (the previous one no longer works): {}",
                settings.studio_home_link(token.as_str())
            );
        }
    }
    Ok(())
}
