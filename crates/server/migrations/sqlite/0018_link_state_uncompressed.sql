-- PostgreSQL's 0018 stops compressing a link's choices; SQLite never
-- compresses them: nothing to change here.
SELECT 1;
