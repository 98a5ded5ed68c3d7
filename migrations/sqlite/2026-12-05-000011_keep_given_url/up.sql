-- The URL exactly as the client gave it (the API answers it); url stays the normalised form,
-- unique, checked. NULL for sites stored before: they answer the normalised form.
ALTER TABLE websites ADD COLUMN url_given TEXT;
