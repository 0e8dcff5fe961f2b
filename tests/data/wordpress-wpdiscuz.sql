-- A small WordPress 6 + wpDiscuz 7 site ("The Harbour Ledger"), written for
-- Dateline's tests in the shape `mysqldump` gives. WordPress's own schema
-- (wp-admin/includes/schema.php) and wpDiscuz's two tables the importer reads.
-- Everything in it is made up.
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

DROP TABLE IF EXISTS `wp_options`;
CREATE TABLE `wp_options` (
  `option_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `option_name` varchar(191) NOT NULL DEFAULT '',
  `option_value` longtext NOT NULL,
  `autoload` varchar(20) NOT NULL DEFAULT 'yes',
  PRIMARY KEY (`option_id`),
  UNIQUE KEY `option_name` (`option_name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_options` VALUES (1,'siteurl','https://harbourledger.example','yes'),(2,'home','https://harbourledger.example','yes'),(3,'blogname','The Harbour Ledger','yes'),(4,'gmt_offset','1','yes');

DROP TABLE IF EXISTS `wp_users`;
CREATE TABLE `wp_users` (
  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_login` varchar(60) NOT NULL DEFAULT '',
  `user_pass` varchar(255) NOT NULL DEFAULT '',
  `user_nicename` varchar(50) NOT NULL DEFAULT '',
  `user_email` varchar(100) NOT NULL DEFAULT '',
  `user_url` varchar(100) NOT NULL DEFAULT '',
  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `user_activation_key` varchar(255) NOT NULL DEFAULT '',
  `user_status` int(11) NOT NULL DEFAULT 0,
  `display_name` varchar(250) NOT NULL DEFAULT '',
  PRIMARY KEY (`ID`),
  KEY `user_login_key` (`user_login`),
  KEY `user_nicename` (`user_nicename`),
  KEY `user_email` (`user_email`)
) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_users` VALUES
(1,'ledger_admin','$P$Bq1xDxPp0jAnotARealHashAtAll/','ledger_admin','desk@harbourledger.example','','2019-03-02 08:11:40','',0,'Marta Quill'),
(2,'fergus','$P$BzzzzzzzzzzzzzzzzzzzzzzzzzzzZ0','fergus','Fergus.Dunne@mail.example ','','2020-06-14 19:02:11','',0,'Fergus Dunne'),
(3,'noor_h','$P$Byyyyyyyyyyyyyyyyyyyyyyyyyyyy.','noor_h','noor@mail.example','','2021-01-09 07:45:00','',0,'نور حداد'),
(4,'quietreader','$P$Bxxxxxxxxxxxxxxxxxxxxxxxxxxxx1','quietreader','quiet.reader@mail.example','','2022-11-30 23:59:59','',0,'quietreader'),
(5,'olderaccount','$P$Bwwwwwwwwwwwwwwwwwwwwwwwwwwww2','olderaccount','','','2018-01-01 00:00:00','',0,'Old Account'),
(6,'deckhand','$P$Bvvvvvvvvvvvvvvvvvvvvvvvvvvvv3','deckhand','deckhand@mail.example','','2023-05-05 05:05:05','',0,'Deckhand 🚢');

DROP TABLE IF EXISTS `wp_usermeta`;
CREATE TABLE `wp_usermeta` (
  `umeta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `meta_key` varchar(255) DEFAULT NULL,
  `meta_value` longtext DEFAULT NULL,
  PRIMARY KEY (`umeta_id`),
  KEY `user_id` (`user_id`),
  KEY `meta_key` (`meta_key`(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_usermeta` VALUES (1,1,'wp_capabilities','a:1:{s:13:\"administrator\";b:1;}'),(2,2,'wp_capabilities','a:1:{s:10:\"subscriber\";b:1;}'),(3,3,'first_name','Noor');

DROP TABLE IF EXISTS `wp_posts`;
CREATE TABLE `wp_posts` (
  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `post_author` bigint(20) unsigned NOT NULL DEFAULT 0,
  `post_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_content` longtext NOT NULL,
  `post_title` text NOT NULL,
  `post_excerpt` text NOT NULL,
  `post_status` varchar(20) NOT NULL DEFAULT 'publish',
  `comment_status` varchar(20) NOT NULL DEFAULT 'open',
  `ping_status` varchar(20) NOT NULL DEFAULT 'open',
  `post_password` varchar(255) NOT NULL DEFAULT '',
  `post_name` varchar(200) NOT NULL DEFAULT '',
  `to_ping` text NOT NULL,
  `pinged` text NOT NULL,
  `post_modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_modified_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_content_filtered` longtext NOT NULL,
  `post_parent` bigint(20) unsigned NOT NULL DEFAULT 0,
  `guid` varchar(255) NOT NULL DEFAULT '',
  `menu_order` int(11) NOT NULL DEFAULT 0,
  `post_type` varchar(20) NOT NULL DEFAULT 'post',
  `post_mime_type` varchar(100) NOT NULL DEFAULT '',
  `comment_count` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`ID`),
  KEY `post_name` (`post_name`(191)),
  KEY `type_status_date` (`post_type`,`post_status`,`post_date`,`ID`),
  KEY `post_parent` (`post_parent`),
  KEY `post_author` (`post_author`)
) ENGINE=InnoDB AUTO_INCREMENT=40 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_posts` VALUES
(11,1,'2024-09-03 07:30:00','2024-09-03 06:30:00','<!-- wp:paragraph -->\n<p>The ferry between the two harbours stopped for the winter on Monday, three weeks earlier than in any year since 1998.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading -->\n<h2>What the port authority said</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>A spokesperson blamed <strong>the swell</strong> and a shortage of deckhands.</p>\n<!-- /wp:paragraph -->','Ferry stops for the winter, three weeks early','The crossing closes on Monday.','publish','open','closed','','ferry-stops-early','','','2024-09-04 10:00:00','2024-09-04 09:00:00','',0,'https://harbourledger.example/?p=11',0,'post','',7),
(12,1,'2024-10-20 18:05:00','2024-10-20 17:05:00','Council votes to sell the old fish market.\n\nThe building has stood empty since 2016. Bids close in March.','Council votes to sell the old fish market','','publish','closed','closed','','fish-market-sale','','','2024-10-20 18:05:00','2024-10-20 17:05:00','',0,'https://harbourledger.example/?p=12',0,'post','',3),
(13,1,'2024-11-01 09:00:00','0000-00-00 00:00:00','Not ready yet.','Draft: the lighthouse survey','','draft','open','open','','','','','2024-11-01 09:00:00','0000-00-00 00:00:00','',0,'https://harbourledger.example/?p=13',0,'post','',0),
(20,1,'2019-03-02 08:20:00','2019-03-02 07:20:00','Write to us at the desk.','Contact the newsroom','','publish','open','closed','','contact','','','2019-03-02 08:20:00','2019-03-02 07:20:00','',0,'https://harbourledger.example/?page_id=20',0,'page','',1),
(21,1,'2024-09-03 07:29:00','2024-09-03 06:29:00','','ferry-photo','','inherit','open','closed','','ferry-photo','','','2024-09-03 07:29:00','2024-09-03 06:29:00','',11,'https://harbourledger.example/wp-content/uploads/2024/09/ferry.jpg',0,'attachment','image/jpeg',0);

DROP TABLE IF EXISTS `wp_terms`;
CREATE TABLE `wp_terms` (
  `term_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `name` varchar(200) NOT NULL DEFAULT '',
  `slug` varchar(200) NOT NULL DEFAULT '',
  `term_group` bigint(10) NOT NULL DEFAULT 0,
  PRIMARY KEY (`term_id`),
  KEY `slug` (`slug`(191)),
  KEY `name` (`name`(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_terms` VALUES (1,'Uncategorized','uncategorized',0),(2,'Harbour','harbour',0),(3,'Council','council',0),(4,'ferries','ferries',0),(5,'Winter','winter',0);

DROP TABLE IF EXISTS `wp_term_taxonomy`;
CREATE TABLE `wp_term_taxonomy` (
  `term_taxonomy_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `term_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `taxonomy` varchar(32) NOT NULL DEFAULT '',
  `description` longtext NOT NULL,
  `parent` bigint(20) unsigned NOT NULL DEFAULT 0,
  `count` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`term_taxonomy_id`),
  UNIQUE KEY `term_id_taxonomy` (`term_id`,`taxonomy`),
  KEY `taxonomy` (`taxonomy`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_term_taxonomy` VALUES (1,1,'category','',0,0),(2,2,'category','Boats, tides and the people who work them.',0,1),(3,3,'category','',0,1),(4,4,'post_tag','',0,1),(5,5,'post_tag','',0,1);

DROP TABLE IF EXISTS `wp_term_relationships`;
CREATE TABLE `wp_term_relationships` (
  `object_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `term_taxonomy_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `term_order` int(11) NOT NULL DEFAULT 0,
  PRIMARY KEY (`object_id`,`term_taxonomy_id`),
  KEY `term_taxonomy_id` (`term_taxonomy_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_term_relationships` VALUES (11,2,0),(11,4,0),(11,5,0),(12,3,0);

DROP TABLE IF EXISTS `wp_comments`;
CREATE TABLE `wp_comments` (
  `comment_ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `comment_post_ID` bigint(20) unsigned NOT NULL DEFAULT 0,
  `comment_author` tinytext NOT NULL,
  `comment_author_email` varchar(100) NOT NULL DEFAULT '',
  `comment_author_url` varchar(200) NOT NULL DEFAULT '',
  `comment_author_IP` varchar(100) NOT NULL DEFAULT '',
  `comment_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `comment_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `comment_content` text NOT NULL,
  `comment_karma` int(11) NOT NULL DEFAULT 0,
  `comment_approved` varchar(20) NOT NULL DEFAULT '1',
  `comment_agent` varchar(255) NOT NULL DEFAULT '',
  `comment_type` varchar(20) NOT NULL DEFAULT 'comment',
  `comment_parent` bigint(20) unsigned NOT NULL DEFAULT 0,
  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`comment_ID`),
  KEY `comment_post_ID` (`comment_post_ID`),
  KEY `comment_approved_date_gmt` (`comment_approved`,`comment_date_gmt`),
  KEY `comment_date_gmt` (`comment_date_gmt`),
  KEY `comment_parent` (`comment_parent`),
  KEY `comment_author_email` (`comment_author_email`(10))
) ENGINE=InnoDB AUTO_INCREMENT=120 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_comments` VALUES
(101,11,'Fergus Dunne','fergus.dunne@mail.example','','203.0.113.7','2024-09-03 08:02:10','2024-09-03 07:02:10','three weeks early and nobody told the school run. my two are getting the bus at 6:40 now',0,'1','Mozilla/5.0','comment',0,2),
(102,11,'نور حداد','noor@mail.example','','198.51.100.23','2024-09-03 08:15:00','2024-09-03 07:15:00','Same here. The notice went up on the <b>Friday</b> evening &amp; the office was shut all weekend.',0,'1','Mozilla/5.0','comment',101,3),
(103,11,'Marta Quill','desk@harbourledger.example','https://harbourledger.example','192.0.2.1','2024-09-03 09:00:00','2024-09-03 08:00:00','We asked the port authority why there was no earlier notice. We will update the story when they answer.',0,'1','Mozilla/5.0','comment',102,1),
(104,11,'skipper_jo','jo@boats.example','http://boats.example/jo','203.0.113.99','2024-09-03 09:30:00','2024-09-03 08:30:00','Swell was 2m on Sunday, I\'ve seen them sail in worse. It\'s the crew shortage, simple as.\r\n\r\nAsk anyone down the slip.',0,'1','Mozilla/5.0','comment',0,0),
(105,11,'Anon','','','203.0.113.50','2024-09-03 10:00:00','2024-09-03 09:00:00','<script>alert(\"ferry\")</script>typical council',0,'0','Mozilla/5.0','comment',0,0),
(106,11,'Fergus Dunne','fergus.dunne@mail.example','','203.0.113.7','2024-09-03 10:05:00','2024-09-03 09:05:00','Deleted this, wrong thread sorry',0,'trash','Mozilla/5.0','comment',0,2),
(107,11,'Cheap Pills','pills@spam.example','http://spam.example','192.0.2.66','2024-09-03 11:00:00','2024-09-03 10:00:00','buy now http://spam.example',0,'spam','Mozilla/5.0','comment',0,0),
(108,11,'Deckhand 🚢','deckhand@mail.example','','203.0.113.8','2024-09-03 12:00:00','2024-09-03 11:00:00','I am one of the deckhands they are short of. Happy to talk to the paper, DM me 🙂',0,'1','Mozilla/5.0','comment',104,6),
(109,11,'Other Harbour Blog','','https://otherharbour.example/2024/09/ferries','192.0.2.77','2024-09-04 07:00:00','2024-09-04 06:00:00','[&#8230;] as The Harbour Ledger reported, the ferry stops early [&#8230;]',0,'1','WordPress/6.6','pingback',0,0),
(110,12,'quietreader','quiet.reader@mail.example','','198.51.100.9','2024-10-20 19:00:00','0000-00-00 00:00:00','Sell it to someone who will actually open it. Ten years of pigeons is enough.',0,'1','Mozilla/5.0','comment',0,4),
(111,12,'Fergus Dunne','fergus.dunne@mail.example','','203.0.113.7','2024-10-20 19:30:00','2024-10-20 18:30:00','agree with quietreader',0,'1','Mozilla/5.0','comment',110,2),
(112,12,'Noor','noor@mail.example','','198.51.100.23','2024-10-21 08:00:00','2024-10-21 07:00:00','Who is on the bid panel though? That matters more than who bids.',0,'1','Mozilla/5.0','comment',111,3),
(113,20,'Visitor','visitor@mail.example','','192.0.2.200','2019-05-01 10:00:00','2019-05-01 09:00:00','Is there a phone number for the desk?',0,'1','Mozilla/5.0','comment',0,0);

DROP TABLE IF EXISTS `wp_commentmeta`;
CREATE TABLE `wp_commentmeta` (
  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `comment_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `meta_key` varchar(255) DEFAULT NULL,
  `meta_value` longtext DEFAULT NULL,
  PRIMARY KEY (`meta_id`),
  KEY `comment_id` (`comment_id`),
  KEY `meta_key` (`meta_key`(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
-- wpDiscuz keeps its running totals here as well; the rows below are what counts.
INSERT INTO `wp_commentmeta` VALUES (1,101,'wpdiscuz_votes','3'),(2,101,'wpdiscuz_votes_seperate','a:2:{s:4:\"like\";i:4;s:7:\"dislike\";i:-1;}'),(3,104,'wpdiscuz_votes','1'),(4,110,'wpdiscuz_votes','2');

DROP TABLE IF EXISTS `wp_wc_users_voted`;
CREATE TABLE `wp_wc_users_voted` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` varchar(32) NOT NULL,
  `comment_id` int(11) NOT NULL,
  `vote_type` int(11) DEFAULT NULL,
  `is_guest` tinyint(1) DEFAULT 0,
  `post_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `date` int(11) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `user_id` (`user_id`),
  KEY `comment_id` (`comment_id`),
  KEY `vote_type` (`vote_type`),
  KEY `is_guest` (`is_guest`),
  KEY `post_id` (`post_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
-- Members vote by user id; visitors by a hash of their address (is_guest 1).
-- Comment 101 (Fergus): quietreader, Noor and Marta up, two visitors up one
-- down; Fergus on his own comment (wpDiscuz let it through once); a vote on
-- the held comment 105; Noor changed her mind on 104 (down, then up).
INSERT INTO `wp_wc_users_voted` VALUES
(1,'4',101,1,0,11,1725347000),
(2,'3',101,1,0,11,1725347100),
(3,'1',101,1,0,11,1725348000),
(4,'c0a8017e5b2fd0ea8d0b3c1f7b2d9a11',101,1,1,11,1725349000),
(5,'5f4dcc3b5aa765d61d8327deb882cf99',101,-1,1,11,1725349100),
(6,'9e107d9d372bb6826bd81d3542a419d6',101,1,1,11,1725349200),
(7,'2',101,1,0,11,1725349300),
(8,'4',105,-1,0,11,1725350000),
(9,'3',104,-1,0,11,1725351000),
(10,'3',104,1,0,11,1725352000),
(11,'6',104,1,0,11,1725353000),
(12,'4',112,1,0,12,1729500000),
(13,'2',110,1,0,12,1729500100),
(14,'999',110,1,0,12,1729500200);

DROP TABLE IF EXISTS `wp_wc_comments_subscription`;
CREATE TABLE `wp_wc_comments_subscription` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(100) NOT NULL,
  `subscribtion_id` int(11) NOT NULL,
  `post_id` int(11) NOT NULL,
  `subscribtion_type` varchar(20) NOT NULL,
  `activation_key` varchar(32) NOT NULL,
  `confirm` tinyint(4) DEFAULT 0,
  `subscription_date` timestamp NOT NULL DEFAULT current_timestamp(),
  `imported_from` varchar(25) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `subscribe_unique_index` (`subscribtion_id`,`email`,`post_id`),
  KEY `subscribtion_id` (`subscribtion_id`),
  KEY `post_id` (`post_id`),
  KEY `confirm` (`confirm`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO `wp_wc_comments_subscription` VALUES
(1,'fergus.dunne@mail.example',11,11,'post','9d4f0a1b2c3d4e5f60718293a4b5c6d7',1,'2024-09-03 07:02:11',''),
(2,'jo@boats.example',104,11,'comment','0f1e2d3c4b5a69788796a5b4c3d2e1f0',1,'2024-09-03 08:30:01',''),
(3,'never.confirmed@mail.example',11,11,'post','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',0,'2024-09-03 13:00:00',''),
(4,'noor@mail.example',12,12,'all_comment','bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',1,'2024-10-21 07:00:01','');
