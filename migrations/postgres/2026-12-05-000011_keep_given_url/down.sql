ALTER TABLE websites DROP COLUMN url_given;
